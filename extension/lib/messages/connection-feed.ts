/**
 * The connection state pushed to open pages. The background writes a
 * `ConnectionView` (never credentials) to `storage.session` after every change
 * it has carried out; pages subscribe to the storage change, so what the popup
 * shows is never behind the truth and no page has to poll for it. Storage
 * rather than a port: it survives the MV3 worker being stopped, and watching it
 * never wakes the worker.
 *
 *   await publishConnection(browser.storage.session, connectionView(state));   // background
 *   const stop = watchConnection(browser.storage.session, (view) => draw(view)); // page
 */
import type { StorageArea } from "../api/token-store";
import type { ConnectionView } from "./protocol";

const CONNECTION_VIEW_KEY = "connectionView";

export function publishConnection(area: StorageArea, view: ConnectionView): Promise<void> {
  return area.set({ [CONNECTION_VIEW_KEY]: view });
}

/** A storage area's change event, as both browsers expose it. */
export interface WatchableArea {
  onChanged: {
    addListener(listener: (changes: Record<string, { newValue?: unknown }>) => void): void;
    removeListener(listener: (changes: Record<string, { newValue?: unknown }>) => void): void;
  };
}

export function watchConnection(area: WatchableArea, listener: (view: ConnectionView) => void): () => void {
  const onChanged = (changes: Record<string, { newValue?: unknown }>) => {
    const view = changes[CONNECTION_VIEW_KEY]?.newValue as ConnectionView | undefined;
    if (view) listener(view);
  };
  area.onChanged.addListener(onChanged);
  return () => area.onChanged.removeListener(onChanged);
}
