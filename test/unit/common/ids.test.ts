import { expect } from 'chai';
import { isUuid, newTimeId, stableTimeId } from '../../../common/index.js';

describe('time ids', () => {
  it('are UUIDv7 strings: the millisecond first, version 7, the RFC 9562 variant', () => {
    const id = newTimeId(0x0123456789ab);
    expect(isUuid(id)).to.equal(true);
    expect(id).to.match(/^01234567-89ab-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('sort by creation time and do not repeat, across refills of their random pool', () => {
    const ids = Array.from({ length: 3000 }, (_, i) => newTimeId(1_700_000_000_000 + Math.floor(i / 100)));
    expect(new Set(ids).size).to.equal(ids.length);
    const prefixes = ids.map((id) => id.slice(0, 13));
    expect(prefixes).to.deep.equal([...prefixes].sort());
    for (const id of ids)
      expect(id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('made from a key are the same for the same key and time, and UUIDv7 sorted by that time', () => {
    const a = stableTimeId(0x0123456789ab, 'delivery', '42:listener-1');
    expect(stableTimeId(0x0123456789ab, 'delivery', '42:listener-1')).to.equal(a);
    expect(a).to.match(/^01234567-89ab-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(stableTimeId(0x0123456789ab, 'delivery', '42:listener-2')).to.not.equal(a);
    expect(stableTimeId(0x0123456789ab, 'status', '42:listener-1')).to.not.equal(a);
    expect(stableTimeId(0x0123456789ac, 'delivery', '0:x') > a).to.equal(true);
  });
});
