/** PLACEHOLDER: OpenAPI paths of /v2/actions. */
export const paths: Record<string, unknown> = {};
