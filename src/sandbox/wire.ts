/**
 * The JSON shape of an SDK type on the wire: the SDK's `Date` fields travel as epoch seconds in
 * ECS's JSON protocol and as ISO strings in EventBridge events. Typing renderers against
 * `Wire<Task>` keeps field names honest against @aws-sdk/client-ecs.
 */
export type Wire<T> = T extends Date
  ? number | string
  : T extends readonly (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

/** How a renderer writes a time: epoch seconds for the API, ISO strings for events. */
export type TimeFormat = (ms: number) => number | string;

export const epochSeconds: TimeFormat = (ms) => ms / 1000;
export const isoTime: TimeFormat = (ms) => new Date(ms).toISOString();
