/** PLACEHOLDER: OpenAPI paths of /v2/workflows. */
export const paths: Record<string, unknown> = {};
