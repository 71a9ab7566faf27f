import { describe, expect, it } from 'vitest';
import { consumedTopics, parseTopicModes, resolveKafkaSettings } from '../kafka/config.js';

/** Kafka settings without a broker: per-topic upload modes (contract §8) and what the consumer reads. */
describe('per-topic upload modes', () => {
  it('parse topic=mode lists, and name what is wrong', () => {
    expect([...parseTopicModes('hi.fee.t1=T1, hi.psi.t1=T1')]).toEqual([
      ['hi.fee.t1', 'T1'],
      ['hi.psi.t1', 'T1'],
    ]);
    expect([...parseTopicModes(undefined)]).toEqual([]);
    expect(() => parseTopicModes('hi.fee=T2')).toThrow(/topic=T0 或 topic=T1, 实际 "hi.fee=T2"/);
    expect(() => parseTopicModes('hi.fee')).toThrow(/实际 "hi.fee"/);
  });

  it('come from the flag, else FUNDWATCH_KAFKA_TOPIC_MODES; their topics are consumed beside the data topics', () => {
    const T1 = ['hi.visit.t1', 'hi.fee.t1', 'hi.settlement.t1', 'hi.psi.t1'];
    // By default each data topic has a T1 topic beside it (where replay's T1 directories are published).
    const plain = resolveKafkaSettings({}, {});
    expect(consumedTopics(plain)).toEqual(['hi.visit', 'hi.fee', 'hi.settlement', 'hi.psi', ...T1]);
    expect([...plain.topicModes.values()]).toEqual(['T1', 'T1', 'T1', 'T1']);
    const flag = resolveKafkaSettings({ topicModes: 'x.fee.late=T1' }, { FUNDWATCH_KAFKA_TOPIC_MODES: 'x.y=T0' });
    expect(flag.topicModes.get('x.fee.late')).toBe('T1');
    expect(flag.topicModes.has('x.y')).toBe(false);
    const env = resolveKafkaSettings({}, { FUNDWATCH_KAFKA_TOPIC_MODES: 'hi.fee.t1=T0' });
    expect(env.topicModes.get('hi.fee.t1')).toBe('T0');
    // A mode for a data topic itself adds no topic; the prefix reaches the T1 topics.
    expect(consumedTopics(resolveKafkaSettings({ topicModes: 'hi.fee=T1' }, {}))).toEqual([
      'hi.visit',
      'hi.fee',
      'hi.settlement',
      'hi.psi',
      ...T1,
    ]);
    expect(consumedTopics(resolveKafkaSettings({ topicPrefix: 't-1.' }, {}))).toContain('t-1.psi.t1');
  });
});
