export * from "./base64url";
export * from "./kdf";
export * from "./normalize";
export * from "./problems";
export * from "./proxy-credentials";
export * from "./schemas";
export * from "./routes";
export * from "./policy";
