/** The pages' side of the message protocol, bound to the real runtime. */
import { browser } from "wxt/browser";
import { request, type Answer, type Message, type Payload, type RequestType } from "../messages/protocol";

export type Call = <K extends RequestType>(type: K, payload: Payload<K>) => Promise<Answer<K>>;

export const call: Call = (type, payload) =>
  request((message: Message) => browser.runtime.sendMessage(message) as Promise<unknown>, type, payload);
