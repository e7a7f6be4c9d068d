// k6 script that logs in as the synced test users.
//
//   curl -sf -H "Authorization: Bearer $LOADTESTER_READ_TOKEN" \
//     'http://127.0.0.1:8080/api/users/export?format=k6-json&population=checkout-load' > users.json
//   k6 run examples/k6/login.js
//
// The export needs a Load Tester token: the read-only one (LOADTESTER_READ_TOKEN of the
// Load Tester) is enough and is the one to give load tools. On the Load Tester's machine
// without tokens set, the write token is in .data/loadtester.token. Without a token the
// Load Tester answers 401 (curl -f then writes no users.json).
//
// SharedArray keeps one read-only copy for all virtual users; each iteration picks a
// different user, so no two VUs log in as the same user at the same moment.
import http from 'k6/http';
import { check } from 'k6';
import exec from 'k6/execution';
import { SharedArray } from 'k6/data';

const users = new SharedArray('users', () => JSON.parse(open('./users.json')));
const BASE = __ENV.BASE_URL || 'http://127.0.0.1:5000';

export const options = { vus: 10, duration: '1m' };

export default function () {
  const user = users[exec.scenario.iterationInTest % users.length];
  const res = http.post(`${BASE}/api/auth/login`, JSON.stringify({ username: user.username, password: user.password }), {
    headers: { 'Content-Type': 'application/json' },
  });
  check(res, { 'logged in': (r) => r.status === 200 && !!r.json('token') });
}
