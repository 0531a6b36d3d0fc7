/** Text files imported as strings (wrangler's default Text module rule for *.txt): the privacy policy. */
declare module "*.txt" {
  const text: string;
  export default text;
}
