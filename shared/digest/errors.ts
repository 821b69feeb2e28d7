/** The digest store's input errors, apart from the store so the API can test for them without loading the Table SDK. */
export type DigestStoreErrorCode = "InvalidDigestId" | "InvalidContinuationToken" | "InvalidLimit";

export class DigestStoreError extends Error {
  constructor(
    readonly code: DigestStoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "DigestStoreError";
  }
}
