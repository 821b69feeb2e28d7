/** The one error shape of the API: `{"error": {"code", "message"}}`, plus the parameter at fault. */

export interface ErrorBody {
  error: { code: string; message: string; parameter?: string };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The query parameter, path parameter, header or body field at fault. */
    readonly parameter?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.parameter ? { parameter: this.parameter } : {}) } };
  }
}

export const badParameter = (parameter: string, message: string, code = "InvalidParameter") => new ApiError(400, code, `${parameter}: ${message}`, parameter);
export const notFound = (what: string, parameter?: string) => new ApiError(404, "NotFound", what, parameter);
