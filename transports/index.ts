/** The transports area's entry point: how an event leaves the process (HTTP webhooks, AMQP), signed and within
 * the egress policy. */
export {
  HttpTransport,
  parseRetryAfter,
  type PostOutcome,
  type DeliveryCode,
  type HttpRequest,
  type HttpTransportOptions,
} from './http.js';
export {
  AmqpTransport,
  routingKeyFor,
  redactUrl,
  type AmqpCode,
  type AmqpOutcome,
  type AmqpPublishRequest,
  type AmqpTransportOptions,
} from './amqp.js';
export {
  newSecret,
  secretKey,
  signHeaders,
  hmacHex,
  hmacBase64,
  SECRET_PREFIX,
  type SignatureHeaders,
} from './signing.js';
export {
  checkEgress,
  isPrivateAddress,
  isLocalhostName,
  egressLookup,
  createEgressLookup,
  guardAgent,
  egressMessage,
  urlHost,
  EgressPolicyError,
  type EgressOptions,
  type ResolvedAddress,
  type AllLookup,
  type ConnectLookup,
} from './egress.js';
