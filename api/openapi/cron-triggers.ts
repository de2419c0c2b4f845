/** PLACEHOLDER: OpenAPI paths of /v2/cron-triggers. */
export const paths: Record<string, unknown> = {};
