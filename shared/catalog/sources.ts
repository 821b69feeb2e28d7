/**
 * The troubleshooting documents the documented entries were written from, by the seed file that holds
 * each one's text (../shared/seeds): what a reader is shown instead of an internal file name.
 */
import type { CatalogEntry } from "./types";

export interface SourceDocument {
  /** The document's own title, in the language the entry was written from. */
  title: string;
  /** BCP 47 language of that text. */
  language: string;
  /** The Microsoft Learn page (Learn serves it in the reader's language). */
  url: string;
}

export const SOURCE_DOCUMENTS: Readonly<Record<string, SourceDocument>> = {
  "000_a421b814d94b038a.txt": {
    title: "Problembehandlung bei Kubernetes mit Azure Arc-Unterstützung und GitOps",
    language: "de",
    url: "https://learn.microsoft.com/azure/azure-arc/kubernetes/troubleshooting",
  },
  "001_1f61bc1ca7295eba.txt": {
    title: "Résoudre les problèmes de plateforme pour les clusters Kubernetes compatibles avec Azure Arc",
    language: "fr",
    url: "https://learn.microsoft.com/azure/azure-arc/kubernetes/troubleshooting",
  },
  "002_1f57d5e599fcc6cd.txt": {
    title: "Risolvere gli errori durante la distribuzione delle estensioni del cluster del servizio Azure Kubernetes",
    language: "it",
    url: "https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/extensions/cluster-extension-deployment-errors",
  },
  "003_8b4d04da36e6c62a.txt": {
    title: "Verwenden des Dienstconnectors in Azure Kubernetes Service (AKS)",
    language: "de",
    url: "https://learn.microsoft.com/azure/service-connector/how-to-use-service-connector-in-aks",
  },
  "004_3b4a73f0bdfee6fc.txt": {
    title: "Open Service Mesh (OSM) add-on troubleshooting (AKS)",
    language: "zh",
    url: "https://learn.microsoft.com/azure/aks/open-service-mesh-troubleshoot",
  },
};

/** An entry's sources as documents (title, language, link) and the section each came from. */
export function sourceDocuments(entry: CatalogEntry): Array<SourceDocument & { section: string }> {
  return (entry.sources ?? []).flatMap(({ seed, section }) => {
    const document = SOURCE_DOCUMENTS[seed];
    return document ? [{ ...document, section }] : [];
  });
}
