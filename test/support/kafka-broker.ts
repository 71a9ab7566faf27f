/**
 * A real single-node Apache Kafka broker (KRaft combined mode, no ZooKeeper) for the Kafka test suites.
 *
 * The jars come from the small Maven project in kafka/broker (pom.xml): `mvn dependency:copy-dependencies`
 * puts them in kafka/broker/target/lib (git-ignored; Maven caches the download in ~/.m2). Each broker
 * gets a temporary directory holding its server.properties, its data (log.dirs) and its logs
 * (logs/server.log from log4j, logs/stdout.log from the JVM), and two free loopback ports: one for
 * clients, one for the controller. See kafka/README.md.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';

export const BROKER_PROJECT_DIR = fileURLToPath(new URL('../../kafka/broker/', import.meta.url));
const LIB_DIR = path.join(BROKER_PROJECT_DIR, 'target', 'lib');
/** Written after a successful copy, holding the pom's hash: a changed pom (a version bump) fetches again. */
const MARKER = path.join(LIB_DIR, '.complete');
const LOG4J_CONFIG = path.join(BROKER_PROJECT_DIR, 'log4j.properties');

/** JVM flags for a quick start on a small machine; a test broker needs no peak throughput. */
const JVM_FLAGS = ['-Xms128m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true'];

export interface BrokerOptions {
  /** Partitions of auto-created topics (`num.partitions`). Default 4. */
  numPartitions?: number;
  /** Extra server.properties entries; they override the defaults. */
  properties?: Record<string, string | number | boolean>;
  /** How long to wait for the broker to answer after the JVM starts. Default 60 s. */
  startTimeoutMs?: number;
}

export interface Broker {
  /** `127.0.0.1:PORT`, for kafkajs' `brokers`. */
  readonly bootstrap: string;
  readonly port: number;
  readonly controllerPort: number;
  /** The broker's temporary directory: server.properties, data/ and logs/ (server.log, stdout.log). */
  readonly logDir: string;
  /** Whether the JVM is running. */
  readonly running: boolean;
  /** Milliseconds the last start took, from spawning the JVM to the broker answering. */
  readonly startMs: number;
  /** Graceful stop: SIGTERM, wait for the JVM to exit, SIGKILL after `timeoutMs` (default 20 s). Keeps the data. */
  stop(timeoutMs?: number): Promise<void>;
  /** Hard stop: SIGKILL, as a crash would. Keeps the data. */
  kill(): Promise<void>;
  /** Stops the broker if it runs, then starts it again on the same ports and data, and waits until it answers. */
  restart(): Promise<void>;
  /** Final stop: stops the broker if it runs and removes its temporary directory. */
  close(): Promise<void>;
}

/** The `java` to run: `$JAVA_HOME/bin/java` when JAVA_HOME is set (as Kafka's own scripts do), else the one on PATH. */
function javaCommand(): string {
  const home = process.env.JAVA_HOME;
  return home ? path.join(home, 'bin', 'java') : 'java';
}

function commandRuns(command: string, args: string[]): boolean {
  const r = spawnSync(command, args, { stdio: 'ignore', timeout: 30_000 });
  return r.error === undefined && r.status === 0;
}

export function javaAvailable(): boolean {
  return commandRuns(javaCommand(), ['-version']);
}

export function mavenAvailable(): boolean {
  return commandRuns('mvn', ['-v']);
}

function pomHash(): string {
  return createHash('sha256')
    .update(readFileSync(path.join(BROKER_PROJECT_DIR, 'pom.xml')))
    .digest('hex');
}

export function kafkaJarsPresent(): boolean {
  return existsSync(MARKER) && readFileSync(MARKER, 'utf8').trim() === pomHash();
}

/**
 * Fetches the broker's jars with Maven unless they are already there, and returns the classpath.
 * Throws when Maven fails (no Maven, no network and nothing cached, ...).
 */
export async function ensureKafkaJars(): Promise<string> {
  const classpath = path.join(LIB_DIR, '*');
  if (kafkaJarsPresent()) return classpath;
  console.log('[kafka] fetching the Kafka broker jars with Maven into kafka/broker/target/lib (once; the first download takes a while)');
  rmSync(LIB_DIR, { recursive: true, force: true });
  const started = Date.now();
  const { code, output } = await run('mvn', ['-q', '-B', '-Dstyle.color=never', 'dependency:copy-dependencies'], BROKER_PROJECT_DIR);
  if (code !== 0) throw new Error(`mvn dependency:copy-dependencies failed (exit ${code}) in ${BROKER_PROJECT_DIR}:\n${tail(output, 40)}`);
  writeFileSync(MARKER, pomHash() + '\n');
  console.log(`[kafka] broker jars ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return classpath;
}

function run(command: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function readTail(file: string, lines: number): string {
  try {
    return tail(readFileSync(file, 'utf8'), lines);
  } catch {
    return '(none)';
  }
}

/** A free TCP port on 127.0.0.1, found by binding port 0. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') return reject(new Error('no port'));
      server.close(() => resolve(address.port));
    });
  });
}

/**
 * Kafka's cluster id: 16 random bytes, base64url without padding (what `StorageTool random-uuid`
 * prints). Like Kafka's own Uuid.randomUuid, never one starting with '-': StorageTool would take
 * `-t -abc…` for an option and fail (seen: one broker start in about 64).
 */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

// Brokers started by this process: killed if the process exits without stopping them.
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

/**
 * Also kills the JVM if this Node process dies without running its exit hook (SIGKILL, a crashed
 * worker): a shell polls this process's pid, and SIGKILLs the JVM once it is gone, if that pid
 * still runs a java with our directory on its command line.
 */
function spawnWatchdog(javaPid: number, dir: string): ChildProcess | undefined {
  if (process.platform !== 'linux') return undefined;
  const script =
    'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done; ' +
    'if kill -0 "$2" 2>/dev/null && tr "\\0" " " < "/proc/$2/cmdline" | grep -qF "$3"; then kill -9 "$2"; fi';
  const watchdog = spawn('sh', ['-c', script, 'kafka-watchdog', String(process.pid), String(javaPid), dir], {
    stdio: 'ignore',
    detached: true,
  });
  watchdog.unref();
  return watchdog;
}

function serverProperties(dir: string, port: number, controllerPort: number, opts: BrokerOptions): string {
  const props: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': path.join(dir, 'data'),
    'num.partitions': opts.numPartitions ?? 4,
    'auto.create.topics.enable': true,
    'offsets.topic.replication.factor': 1,
    // One partition each: a single broker gains nothing from 50, and creating them slows the first group join.
    'offsets.topic.num.partitions': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 1,
    'group.initial.rebalance.delay.ms': 0,
    // After a SIGKILL the restarted controller keeps the old broker registration until its session
    // expires (default 9 s) before the broker may start; 3 s keeps kill/restart tests short.
    'broker.session.timeout.ms': 3000,
    'broker.heartbeat.interval.ms': 500,
    'message.max.bytes': 2 * 1024 * 1024,
    'replica.fetch.max.bytes': 2 * 1024 * 1024,
    ...opts.properties,
  };
  return Object.entries(props)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join('\n')
    .concat('\n');
}

/** Resolves when the broker answers a kafkajs admin `describeCluster`; rejects if the JVM exits first or time runs out. */
async function waitUntilReady(bootstrap: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const kafka = new Kafka({
    clientId: 'fundwatch-test-probe',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 2000,
    retry: { retries: 0 },
  });
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the broker JVM exited (${child.exitCode ?? child.signalCode}) before it answered`);
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0 && cluster.controller !== null) return;
    } catch {
      // not up yet
    } finally {
      // A broker not up yet fails the disconnect as it failed the connect: the poll goes on either way.
      await admin.disconnect().catch(() => undefined);
    }
    if (Date.now() > deadline) throw new Error(`the broker did not answer on ${bootstrap} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Formats a fresh log dir and starts a broker on two free loopback ports; resolves once it answers. */
export async function startBroker(opts: BrokerOptions = {}): Promise<Broker> {
  const classpath = await ensureKafkaJars();
  const java = javaCommand();
  const dir = mkdtempSync(path.join(tmpdir(), 'fundwatch-kafka-'));
  const logs = path.join(dir, 'logs');
  mkdirSync(logs);
  const port = await freePort();
  let controllerPort = await freePort();
  while (controllerPort === port) controllerPort = await freePort();
  const propertiesFile = path.join(dir, 'server.properties');
  writeFileSync(propertiesFile, serverProperties(dir, port, controllerPort, opts));
  const bootstrap = `127.0.0.1:${port}`;
  const startTimeoutMs = opts.startTimeoutMs ?? 60_000;
  const jvmArgs = [...JVM_FLAGS, `-Dkafka.logs.dir=${logs}`, `-Dlog4j.configuration=file:${LOG4J_CONFIG}`, '-cp', classpath];

  const format = await run(java, [...jvmArgs, 'kafka.tools.StorageTool', 'format', '-t', clusterId(), '-c', propertiesFile], dir);
  if (format.code !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`kafka.tools.StorageTool format failed (exit ${format.code}):\n${tail(format.output, 40)}`);
  }

  installExitHook();
  let child: ChildProcess | undefined;
  let watchdog: ChildProcess | undefined;
  let startMs = 0;
  let closed = false;

  const launch = async (): Promise<void> => {
    const started = Date.now();
    const out = openSync(path.join(logs, 'stdout.log'), 'a');
    try {
      child = spawn(java, [...jvmArgs, 'kafka.Kafka', propertiesFile], { cwd: dir, stdio: ['ignore', out, out] });
    } finally {
      closeSync(out);
    }
    const current = child;
    live.add(current);
    current.once('exit', () => live.delete(current));
    await new Promise<void>((resolve, reject) => {
      current.once('spawn', resolve);
      current.once('error', reject);
    });
    if (current.pid !== undefined) watchdog = spawnWatchdog(current.pid, dir);
    try {
      await waitUntilReady(bootstrap, current, startTimeoutMs);
    } catch (err) {
      current.kill('SIGKILL');
      await waitForExit(current, 10_000);
      throw new Error(
        `${(err as Error).message}\n--- ${path.join(logs, 'server.log')} (tail) ---\n${readTail(path.join(logs, 'server.log'), 30)}` +
          `\n--- ${path.join(logs, 'stdout.log')} (tail) ---\n${readTail(path.join(logs, 'stdout.log'), 30)}`,
        { cause: err },
      );
    }
    startMs = Date.now() - started;
  };

  const halt = async (signal: 'SIGTERM' | 'SIGKILL', timeoutMs: number): Promise<void> => {
    const current = child;
    if (current === undefined) return;
    if (current.exitCode === null && current.signalCode === null) {
      current.kill(signal);
      if (!(await waitForExit(current, timeoutMs))) {
        current.kill('SIGKILL');
        await waitForExit(current, 10_000);
      }
    }
    watchdog?.kill('SIGKILL');
    watchdog = undefined;
    child = undefined;
  };

  const broker: Broker = {
    bootstrap,
    port,
    controllerPort,
    logDir: dir,
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    get startMs() {
      return startMs;
    },
    stop: (timeoutMs = 20_000) => halt('SIGTERM', timeoutMs),
    kill: () => halt('SIGKILL', 10_000),
    async restart() {
      if (closed) throw new Error('restart() after close()');
      await halt('SIGTERM', 20_000);
      await launch();
    },
    async close() {
      if (closed) return;
      closed = true;
      await halt('SIGTERM', 20_000);
      if (!process.env.FUNDWATCH_KEEP_KAFKA_DIR) rmSync(dir, { recursive: true, force: true });
    },
  };

  try {
    await launch();
  } catch (err) {
    await broker.close();
    throw err;
  }
  return broker;
}

/**
 * What to do when the Kafka suites cannot have a broker (no Java, no Maven, Maven could not fetch the
 * jars): in CI (CI=true) throw, which fails the run; elsewhere print a loud banner so the skip is seen.
 */
export function kafkaUnavailable(reason: string): void {
  if (process.env.CI === 'true') throw new Error(`Kafka test broker unavailable in CI: ${reason}`);
  const line = '!'.repeat(100);
  console.warn(
    `\n${line}\n!!! KAFKA TESTS SKIPPED: ${reason}\n` +
      `!!! The Kafka suites (test/kafka) need Java 17+ and Maven (or the jars already in kafka/broker/target/lib).\n` +
      `!!! In CI (CI=true) this fails the run.\n${line}\n`,
  );
}

/** Why a broker cannot be started here, or undefined when it can (Java runs, and the jars are there or Maven is). */
export function kafkaPrerequisitesMissing(): string | undefined {
  if (!javaAvailable()) return `no Java runtime (\`${javaCommand()} -version\` did not run)`;
  if (!kafkaJarsPresent() && !mavenAvailable()) return 'no Maven (`mvn -v` did not run) to fetch the Kafka jars';
  return undefined;
}
