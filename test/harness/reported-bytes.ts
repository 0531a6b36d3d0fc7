/** Every byte the gateways have reported, summed over all sessions in a local state folder. */
import { executeSql } from "@cargo-vpn/stack/wrangler";

export function reportedBytes(persistTo: string): { up: number; down: number } {
  const [row] = executeSql<{ up: number; down: number }>(
    "SELECT COALESCE(SUM(bytes_up), 0) AS up, COALESCE(SUM(bytes_down), 0) AS down FROM tunnel_sessions",
    { persistTo },
  );
  return row ?? { up: 0, down: 0 };
}
