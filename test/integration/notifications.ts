/** OpenStack notifications as test publishers send them to event triggers. */
import crypto from 'node:crypto';

/** oslo.messaging's message format 2.0: the notification as JSON text inside an envelope. */
export function osloNotification(
  eventType: string,
  payload: unknown,
  messageId = crypto.randomUUID(),
): string {
  return JSON.stringify({
    'oslo.version': '2.0',
    'oslo.message': JSON.stringify({
      message_id: messageId,
      publisher_id: 'compute.host1',
      event_type: eventType,
      priority: 'INFO',
      payload,
      timestamp: '2026-12-03 10:00:00.000000',
      _context_project_id: 'p1',
      _context_user_id: 'u1',
    }),
  });
}
