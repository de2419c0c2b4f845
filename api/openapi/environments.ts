/** PLACEHOLDER: OpenAPI paths of /v2/environments. */
export const paths: Record<string, unknown> = {};
