/**
 * vitest globalSetup of the `kafka` project: starts one real broker for all Kafka test files and
 * hands its address to them as `inject('kafkaBootstrap')`. The value is null when the broker cannot
 * be had here (no Java or Maven, outside CI): the suites then skip, after a loud banner. In CI
 * (CI=true) that case throws instead, which fails the run.
 *
 * A test that needs a broker of its own (to stop and restart it) calls startBroker() itself, and
 * should skip when `inject('kafkaBootstrap')` is null.
 */
import type { TestProject } from 'vitest/node';
import { ensureKafkaJars, kafkaPrerequisitesMissing, kafkaUnavailable, startBroker, type Broker } from './kafka-broker.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `127.0.0.1:PORT` of the shared test broker, or null when the Kafka suites are to skip. */
    kafkaBootstrap: string | null;
  }
}

let broker: Broker | undefined;

export async function setup(project: TestProject): Promise<void> {
  const missing = kafkaPrerequisitesMissing();
  if (missing !== undefined) {
    kafkaUnavailable(missing);
    project.provide('kafkaBootstrap', null);
    return;
  }
  try {
    await ensureKafkaJars();
  } catch (err) {
    kafkaUnavailable(`could not fetch the Kafka jars: ${(err as Error).message}`);
    project.provide('kafkaBootstrap', null);
    return;
  }
  // Java and the jars are here: a broker that does not start is a failure, in CI or not.
  broker = await startBroker();
  console.log(`[kafka] test broker up on ${broker.bootstrap} in ${(broker.startMs / 1000).toFixed(1)} s (logs: ${broker.logDir}/logs)`);
  project.provide('kafkaBootstrap', broker.bootstrap);
}

export async function teardown(): Promise<void> {
  await broker?.close();
  broker = undefined;
}
