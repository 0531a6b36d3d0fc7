/**
 * The shape every test API client answers with, shared by the end-to-end
 * client (api-client.ts, over the network) and the worker's workerd tests
 * (worker/test/client.ts, through `SELF`): status, parsed JSON body (null when
 * empty) and headers. Free of Node and DOM-only types so both can import it.
 */
export interface ApiAnswer {
  status: number;
  body: any;
  headers: Headers;
}
