/**
 * Copies of the app's send arguments that differ in one property (the messages, their headers),
 * so that the app's own objects stay as they were while kafkajs sees everything else exactly as
 * the app wrote it.
 */
export function withProperty<T extends object>(original: T, key: string, value: unknown): T {
  const prototype: unknown = Object.getPrototypeOf(original);
  if (prototype === Object.prototype || prototype === null) {
    // Spread first, then set: V8 clones a literal's shape fast, but not with a computed key in it.
    const copy = { ...original } as Record<string, unknown>;
    copy[key] = value;
    return copy as T;
  }
  // An instance of the app's own class: a spread would lose what its prototype provides (getters,
  // defaults); an object that inherits from the original reads everything else through it.
  return Object.create(original, { [key]: { value, enumerable: true, writable: true, configurable: true } }) as T;
}
