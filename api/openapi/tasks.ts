/** PLACEHOLDER: OpenAPI paths of /v2/tasks. */
export const paths: Record<string, unknown> = {};
