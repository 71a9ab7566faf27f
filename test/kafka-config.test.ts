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
    const flag = resolveKafkaSettings({ topicModes: 'hi.fee.t1=T1' }, { FUNDWATCH_KAFKA_TOPIC_MODES: 'x.y=T0' });
    expect([...flag.topicModes]).toEqual([['hi.fee.t1', 'T1']]);
    const env = resolveKafkaSettings({}, { FUNDWATCH_KAFKA_TOPIC_MODES: 'hi.psi.t1=T1' });
    expect(consumedTopics(env)).toEqual(['hi.visit', 'hi.fee', 'hi.settlement', 'hi.psi', 'hi.psi.t1']);
    // A mode for a data topic itself adds no topic.
    expect(consumedTopics(resolveKafkaSettings({ topicModes: 'hi.fee=T1' }, {}))).toEqual([
      'hi.visit',
      'hi.fee',
      'hi.settlement',
      'hi.psi',
    ]);
  });
});
