/**
 * Who a request comes from, once http/authenticate.ts or
 * http/authenticate-gateway.ts has proved it: a signed-in device of an
 * account, or a gateway.
 */
export interface AuthContext {
  accountId: string;
  deviceId: string;
  signInId: string;
}

export interface GatewayContext {
  id: string;
}
