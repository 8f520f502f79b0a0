/** A configuration problem: the message names the variable or file entry at fault. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}
