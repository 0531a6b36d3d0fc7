/** Types of tool-env.mjs (plain JS so that scripts/run.mjs can use it before anything is installed). */
export declare const QUIET_TOOL_ENV: Readonly<Record<string, string>>;
export declare function withQuietTools<T extends Record<string, string | undefined>>(env: T): T & Record<string, string>;
