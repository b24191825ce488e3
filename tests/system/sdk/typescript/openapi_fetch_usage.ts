// Types from openapi-typescript, used through openapi-fetch, against a running Heroes API:
//   node dist/openapi_fetch_usage.js BASE_URL WRITER PASSWORD READER PASSWORD
import { randomUUID } from 'node:crypto';
import createClient from 'openapi-fetch';

import type { operations, paths } from './generated/schema';
import {
  HEROES,
  baseUrl,
  check,
  expectData,
  expectEmpty,
  expectError,
  readerName,
  readerPassword,
  writerName,
  writerPassword,
} from './check';

/** The documented JSON body of each status of an operation. */
type Bodies<Operation extends keyof operations> = {
  [Status in keyof operations[Operation]['responses']]: operations[Operation]['responses'][Status] extends {
    content: { 'application/json': infer Body };
  }
    ? Body
    : never;
};
type Query = NonNullable<operations['heroes_list']['parameters']['query']>;

const publicClient = createClient<paths>({ baseUrl }); // no credentials: reads and tokens
const withToken = (token: string) =>
  createClient<paths>({ baseUrl, headers: { Authorization: `Token ${token}` } });

async function getToken(username: string, password: string): Promise<string> {
  const answer = await publicClient.POST('/auth/token/', { body: { username, password } });
  const token = expectData(answer, 200);
  // The server's tokens expire (DJANGO_TOKEN_TTL); once one answers 401, log in again.
  check(token.expiry !== null && !Number.isNaN(Date.parse(token.expiry)), 'expiry');
  return token.token;
}

// Revokes the client's token (all of its user's, `everywhere`); then it answers 401.
async function logOut(client: ReturnType<typeof withToken>, everywhere: boolean): Promise<void> {
  const path = everywhere ? '/auth/logoutall/' : '/auth/logout/';
  expectEmpty(await client.POST(path), 204);
  const again = expectError<Bodies<'auth_logout_create'>, 401>(await client.POST(path), 401);
  const refused = await client.POST('/heroes/', { body: { name: 'Too late', secret_name: 'T' } });
  check(again.detail === 'Invalid token.', `logged out: ${again.detail}`);
  check(expectError<Bodies<'heroes_create'>, 401>(refused, 401).detail === again.detail, '401');
}

async function main(): Promise<void> {
  const writer = withToken(await getToken(writerName, writerPassword));
  const reader = withToken(await getToken(readerName, readerPassword));
  const wrong = await publicClient.POST('/auth/token/', {
    body: { username: writerName, password: 'wrong' },
  });
  const tokenError = expectError<Bodies<'auth_token_create'>, 400>(wrong, 400);
  check((tokenError.non_field_errors ?? []).length > 0, 'no credentials error');

  const created: number[] = [];
  try {
    for (const [name, age] of HEROES) {
      const answer = await writer.POST('/heroes/', {
        body: { name, age, secret_name: `Secret ${name}` },
        params: { header: { 'Idempotency-Key': randomUUID() } },
      });
      const hero = expectData(answer, 201);
      check(hero.name === name && hero.age === age, `created ${JSON.stringify(hero)}`);
      created.push(hero.id);
    }
    const spider = created[1];

    const lists: [Query, string[]][] = [
      [{ name: 'Spider-Boy' }, ['Spider-Boy']],
      [{ name__icontains: 'MAN' }, ['Rusty-Man']],
      [{ age: 16 }, ['Spider-Boy']],
      [{ age__gte: 20 }, ['Rusty-Man']],
      [{ age__lte: 20 }, ['Spider-Boy']],
      [{ age__isnull: true }, ['Deadpond']],
      [{ search: 'spider boy' }, ['Spider-Boy']],
      // Sent as ordering=-age: one field, heroes without an age last.
      [{ ordering: '-age' }, ['Rusty-Man', 'Spider-Boy', 'Deadpond']],
    ];
    for (const [query, expected] of lists) {
      const page = expectData(await publicClient.GET('/heroes/', { params: { query } }), 200);
      const names = page.results.map((hero) => hero.name);
      check(
        JSON.stringify(names) === JSON.stringify(expected),
        `${JSON.stringify(query)}: ${names}`,
      );
      check(page.count === expected.length && page.next === null && page.previous === null, 'page');
    }

    const path = { id: spider };
    const read = await publicClient.GET('/heroes/{id}/', { params: { path } });
    const hero = expectData(read, 200);
    check(hero.id === spider && hero.name === 'Spider-Boy' && hero.age === 16, 'read');
    const etag = read.response.headers.get('ETag') ?? undefined;
    if (etag !== undefined) {
      // Servers with conditional requests: unchanged, so 304 and no body.
      const header = { 'If-None-Match': etag };
      expectEmpty(await publicClient.GET('/heroes/{id}/', { params: { path, header } }), 304);
    }

    const replaced = await writer.PUT('/heroes/{id}/', {
      params: { path, header: { 'If-Match': etag } },
      body: { name: 'Spider-Man', secret_name: 'Pedro', age: 17 },
    });
    const put = expectData(replaced, 200);
    check(put.name === 'Spider-Man' && put.age === 17, 'put');

    const patched = await writer.PATCH('/heroes/{id}/', { params: { path }, body: { age: null } });
    const patch = expectData(patched, 200);
    check(patch.name === 'Spider-Man' && patch.age === null, 'patch');

    expectEmpty(await writer.DELETE('/heroes/{id}/', { params: { path } }), 204);
    created.splice(created.indexOf(spider), 1);

    const gone = await publicClient.GET('/heroes/{id}/', { params: { path } });
    check(expectError<Bodies<'heroes_retrieve'>, 404>(gone, 404).detail === 'Hero not found', '404');

    const invalid = await writer.POST('/heroes/', { body: { name: ' ', secret_name: 'S' } });
    const invalidName = expectError<Bodies<'heroes_create'>, 400>(invalid, 400).name ?? [];
    check(invalidName.length > 0, 'no name error');
    const badQuery = await publicClient.GET('/heroes/', { params: { query: { age: -1 } } });
    const ageErrors = expectError<Bodies<'heroes_list'>, 400>(badQuery, 400).age ?? [];
    check(ageErrors.length > 0, 'no age error');

    const body = { name: 'Nobody', secret_name: 'N' };
    const stranger = await withToken('not-a-token').POST('/heroes/', { body });
    const forbidden = await reader.POST('/heroes/', { body });
    check(expectError<Bodies<'heroes_create'>, 401>(stranger, 401).detail.length > 0, '401');
    check(expectError<Bodies<'heroes_create'>, 403>(forbidden, 403).detail.length > 0, '403');
  } finally {
    for (const id of created) {
      await writer.DELETE('/heroes/{id}/', { params: { path: { id } } });
    }
  }
  await logOut(writer, false);
  await logOut(reader, true);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
