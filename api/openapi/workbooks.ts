/** PLACEHOLDER: OpenAPI paths of /v2/workbooks. */
export const paths: Record<string, unknown> = {};
