/** The platform settings telemetry reads: the same ones the Functions host uses for its own logs. */
export const CONNECTION_STRING = "APPLICATIONINSIGHTS_CONNECTION_STRING";
export const AUTHENTICATION_STRING = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";
