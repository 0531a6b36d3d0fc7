/**
 * Moved to the workspace test kit: import `@cargo-vpn/testkit/proxy-client`. This
 * re-export only keeps tests written against the old path compiling until
 * they are switched over; add nothing here.
 */
export * from "@cargo-vpn/testkit/proxy-client";
