import { OperateInputError } from "../../shared/operate";

/** The field an input error names, or undefined when `fn` accepts its input. */
export function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof OperateInputError) return err.field;
    throw err;
  }
  return undefined;
}
