// Worker modules reused by the stack scripts name WebCrypto's CryptoKey, a DOM/workerd global; in Node it lives here.
declare global {
  type CryptoKey = import("node:crypto").webcrypto.CryptoKey;
}
export {};
