/**
 * The GraphQL schema of `POST /graphql`: statuses, as Sirius's receivers read and complete them. Only what
 * they use: `status(id)` and the `updateStatus` mutation.
 */
import { buildSchema, type GraphQLSchema } from 'graphql';

export const SCHEMA_SDL = `
"How a completed status ended. timed_out is set by the server when the deadline passes."
enum StatusConclusion {
  success
  failure
  timed_out
}

"Where a status stands: queued (the delivery was made), in_progress, completed (final)."
enum StatusState {
  queued
  in_progress
  completed
}

input UpdateStatusOutputInput {
  title: String
  summary: String
}

input UpdateStatusInput {
  id: ID!
  status: StatusState!
  "Required with status completed; refused otherwise."
  conclusion: StatusConclusion
  output: UpdateStatusOutputInput
}

type StatusOutput {
  title: String
  summary: String
}

type Status {
  id: ID!
  status: StatusState!
  conclusion: StatusConclusion
  output: StatusOutput
}

type Query {
  "A status by id (a NOT_FOUND error when there is none)."
  status(id: ID!): Status
}

type Mutation {
  "Moves a status on; a completed status cannot change (CONFLICT)."
  updateStatus(input: UpdateStatusInput!): Status
}
`;

let built: GraphQLSchema | null = null;

export function statusSchema(): GraphQLSchema {
  built ??= buildSchema(SCHEMA_SDL);
  return built;
}
