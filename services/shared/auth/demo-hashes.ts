// The password hashes of config/demo-users.json, in the code: the container image does not ship
// that file (on purpose), and the production check must still recognise a copy of its hashes
// under other usernames. test/unit/services/shared/auth/users-policy.test.ts keeps the two equal.
// Pure constants.
export const DEMO_PASSWORD_HASHES: ReadonlySet<string> = new Set([
  'scrypt:16384:8:1:B8YJwTDEA9kcviClLbtMuQ==:xyvx1UEwkzdSfxlAd8/BZGGOCm0nO13vXr7jGW31on0=', // supervisor
  'scrypt:16384:8:1:JUkPW7c4lGZIFujb/GYSkg==:QS4ohr1jCnwFdGdfceEGMkCCT8nY4spyziMu0LKKpPE=', // lead-billing
  'scrypt:16384:8:1:taS3EEZ3zEKobkdMNMyZlA==:nt0d3hV790Wn5Vaov/0SHW16fA6RjtuolFWNwx/H70U=', // agent-1
  'scrypt:16384:8:1:HDBJhQqVfjrjRbceBVTCIg==:fdsqGozOgTzpJ+7ZSz1fJwfzF6BirTqOARddXUC30RE=', // agent-2
  'scrypt:16384:8:1:5U7REc7wSQkj08BME0Wv1w==:yE23jW5MwzMWAmIkC9j7vsl+JS4UMkvFiuJRTPmTLM8=', // agent-3
  'scrypt:16384:8:1:g1gOCTLbtad60s/3XpHJOg==:17n/Y5nDwYNsV/oE0j0P7kfbDW1aqHqUdSeVIOoRD4o=', // agent-4
  'scrypt:16384:8:1:d6Ffq3cCsFTnPwOUVSIekw==:XMBjpkGPFFknF8X1ByxgYRkHMCAyCb+7wnvHJ9CoINs=', // admin
  'scrypt:16384:8:1:NEUmzKRjtzCjVifzhwecCg==:H2PeupIqal3/7thId3Jpl9xF26LwcCSuNo/ZIfD+msY=', // qa
]);
