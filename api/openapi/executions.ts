/** PLACEHOLDER: OpenAPI paths of /v2/executions. */
export const paths: Record<string, unknown> = {};
