import type { CatalogEntry } from "../types";
import { ARC_DOC, FRENCH, GERMAN } from "./arc";

/**
 * Failures of the Azure CLI on the operator's machine while onboarding (seed 000 German, seed 001
 * French; both translate the Microsoft Learn article below). They never appear in Azure's resource
 * state, only in text an operator pastes into `classify`.
 */

export const entries: CatalogEntry[] = [
  {
    id: "cli-cryptohash-module",
    title: "Azure CLI cannot load native module 'Crypto.Hash._MD5' (connectedk8s / k8s-configuration dependencies broken)",
    category: "cli",
    severity: "low",
    observable: ["client"],
    // pycryptodome ships the module as Crypto.*, pycryptodomex as Cryptodome.*; both break the same way.
    signatures: [String.raw`cannot load native module '?crypto(?:dome)?\.`],
    cause:
      "Dependent modules were not downloaded correctly when the connectedk8s and k8s-configuration extensions were " +
      "added through Azure CLI or Azure PowerShell, so the local environment cannot load a native crypto module.",
    steps: [
      {
        text: "Remove the extensions from the local environment.",
        command: "az extension remove --name connectedk8s\naz extension remove --name k8s-configuration",
      },
      { text: "Add them again.", command: "az extension add --name connectedk8s\naz extension add --name k8s-configuration" },
    ],
    docUrl: `${ARC_DOC}#cryptohash-module-error`,
    origin: "documented",
    sources: [
      { seed: GERMAN, section: "CryptoHash-Modulfehler" },
      { seed: FRENCH, section: "Erreur du module CryptoHash" },
    ],
    examples: [
      "Cannot load native module 'Crypto.Hash._MD5'",
      "OSError: Cannot load native module 'Crypto.Hash._MD5': Trying '_MD5.cpython-311-x86_64-linux-gnu.so': /opt/az/lib/python3.11/site-packages/Crypto/Util/../Hash/_MD5.cpython-311-x86_64-linux-gnu.so: cannot open shared object file: No such file or directory",
      "The command failed with an unexpected error. Here is the traceback:\nCannot load native module 'Crypto.Cipher._raw_ecb': Not found '_raw_ecb.cp310-win_amd64.pyd'",
      "ERROR: Cannot load native module 'Cryptodome.Hash._SHA256'",
    ],
    nearMisses: ["Error: Cannot find module 'crypto-js'", "Cannot load native module 'kubernetes'"],
  },
  {
    id: "cli-kubectl-install",
    title: "az connectedk8s connect fails: failed to download and install kubectl",
    category: "cli",
    severity: "low",
    observable: ["client"],
    signatures: [String.raw`failed to download and install kubectl\b`],
    cause: "az connectedk8s needs a kubectl client and could not download and install one on the local machine.",
    steps: [
      {
        text: "Install the kubectl client where the connectedk8s extension looks for it.",
        command: "az aks install-cli --install-location ~/.azure/kubectl-client/kubectl",
      },
      { text: "Run the connect command again.", command: "az connectedk8s connect --resource-group <resource-group> --name <cluster-name>" },
    ],
    docUrl: `${ARC_DOC}#azure-cli`,
    origin: "documented",
    sources: [{ seed: FRENCH, section: "Azure CLI" }],
    examples: [
      "cli.azext_connectedk8s.custom: Failed to download and install kubectl",
      "ERROR: cli.azext_connectedk8s.custom: Failed to download and install kubectl. Error: <urlopen error [Errno -3] Temporary failure in name resolution>",
      "az connectedk8s connect -n store-042 -g rg-stores\nStep: 2024-05-02T09:14:11Z: Install Kubectl client if it does not exist\ncli.azext_connectedk8s.custom: Failed to download and install kubectl",
    ],
    nearMisses: ["Failed to download and install kubelogin", "Failed to download helm client."],
  },
];
