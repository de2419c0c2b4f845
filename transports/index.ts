/** The transports area's entry point: how an event leaves the process. */
export { HttpTransport, type PostOutcome, type DeliveryCode, type HttpTransportOptions } from './http.js';
