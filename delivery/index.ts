/** The delivery area's entry point: getting committed events to the systems that listen. */
export { NotifyDispatcher, type NotifyOptions } from './notify.js';
