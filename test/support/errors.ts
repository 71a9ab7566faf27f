import { FundwatchError } from '../../core/errors.js';

/** The FundwatchError a call is refused with; fails the test when it is not refused. */
export async function refusalOf(p: Promise<unknown>): Promise<FundwatchError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof FundwatchError) return err;
    throw err;
  }
  throw new Error('expected a FundwatchError');
}
