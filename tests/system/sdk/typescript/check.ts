// Shared by both usages: stop at the first surprise, with what the server said.

export const [baseUrl, writerName, writerPassword, readerName, readerPassword] =
  process.argv.slice(2);

export function check(condition: boolean, message: string): asserts condition {
  if (!condition) {
    throw new Error(message);
  }
}

interface Answer<Data, Failure> {
  data?: Data;
  error?: Failure;
  response?: Response;
}

/** The body of a success answer with this status. */
export function expectData<Data, Failure>(answer: Answer<Data, Failure>, status: number): Data {
  check(
    answer.response?.status === status && answer.data !== undefined,
    `expected ${status}, got ${answer.response?.status}: ${JSON.stringify(answer.error)}`,
  );
  return answer.data;
}

/** The body of an error answer with this status, typed as the schema documents that status. */
export function expectError<Errors, Status extends keyof Errors & number>(
  answer: Answer<unknown, unknown>,
  status: Status,
): Errors[Status] {
  check(
    answer.response?.status === status && answer.error !== undefined,
    `expected ${status}, got ${answer.response?.status}: ${JSON.stringify(answer.data)}`,
  );
  return answer.error as Errors[Status];
}

/** A success or error answer without a body (204, 304). */
export function expectEmpty(answer: Answer<unknown, unknown>, status: number): void {
  check(answer.response?.status === status, `expected ${status}, got ${answer.response?.status}`);
}

export const HEROES: [string, number | null][] = [
  ['Deadpond', null],
  ['Spider-Boy', 16],
  ['Rusty-Man', 48],
];
