import { expect } from 'chai';
import { httpLogSerializers, redactUrl } from '../../../api/logging.js';

describe('server logging', () => {
  const req = { id: 'r1', method: 'GET', url: '/v2/ws?token=abc&x=1', headers: { 'x-auth-token': 'abc' } };

  it('logs no request headers by default', () => {
    const line = httpLogSerializers(false)!.req!(req) as Record<string, unknown>;
    expect(line).to.deep.equal({ id: 'r1', method: 'GET', url: '/v2/ws?token=***&x=1' });
  });

  it('masks credentials in logged URLs: query tokens and passwords', () => {
    expect(redactUrl('/v2/executions?access_token=s3cret')).to.equal('/v2/executions?access_token=***');
    expect(redactUrl('connect to amqp://user:pw@broker:5672 failed')).to.equal(
      'connect to amqp://user:***@broker:5672 failed',
    );
  });
});
