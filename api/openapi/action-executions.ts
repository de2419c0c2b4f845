/** PLACEHOLDER: OpenAPI paths of /v2/action-executions. */
export const paths: Record<string, unknown> = {};
