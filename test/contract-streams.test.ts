/**
 * The one infno → stream mapping (contract §1 topics), which the producer routes by and the
 * consumer subscribes to.
 */
import { describe, expect, it } from 'vitest';
import { MESSAGE_TYPES, streamOf } from '../contract/messages.js';
import { dataTopics, dlqTopic } from '../kafka/config.js';

describe('infno → stream (contract §1)', () => {
  it('puts every infno of contract §1 on its topic, and knows no other', () => {
    const got = Object.fromEntries([...MESSAGE_TYPES.keys()].map((infno) => [infno, streamOf(infno)]));
    expect(got).toEqual({
      '2201': 'visit',
      '2401': 'visit',
      '2402': 'visit',
      '2204': 'fee',
      '2301': 'fee',
      '2207': 'settlement',
      '2304': 'settlement',
      '2208': 'settlement',
      '2305': 'settlement',
      '3501': 'psi',
      '3502': 'psi',
      '3503': 'psi',
      '3504': 'psi',
      '3505': 'psi',
      '3506': 'psi',
      '3507': 'psi',
    });
  });

  it('sends a message of no known type, or with no infno, with the fee lines', () => {
    expect(streamOf('9999')).toBe('fee');
    expect(streamOf('3508')).toBe('fee');
    expect(streamOf('')).toBe('fee');
    expect(streamOf(undefined)).toBe('fee');
  });

  it('names the topics `<prefix><stream>` and the dead letters `<prefix>dlq`', () => {
    expect(dataTopics('hi.')).toEqual(['hi.visit', 'hi.fee', 'hi.settlement', 'hi.psi']);
    expect(dlqTopic('hi.')).toBe('hi.dlq');
  });
});
