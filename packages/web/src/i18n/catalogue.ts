// A message catalogue is made of sections, one a screen or part of the interface (en/, ru/). The
// types keep what one file used to: a translated section has exactly the keys of its English one,
// and a key that stands in two sections of a catalogue does not compile (it would otherwise be
// silently overwritten by the later section).

/** A translation of `T`: every key of the English section, and no other. */
export type Messages<T> = { [K in keyof T]: string };

type Section = Readonly<Record<string, string>>;

/** Every key of the sections. */
type KeysOf<S extends readonly Section[]> = { [I in keyof S]: keyof S[I] }[number];

/** The keys that stand in more than one of the sections. */
type Repeated<S extends readonly Section[], Seen = never> = S extends readonly [infer H extends Section, ...infer R extends readonly Section[]]
  ? (keyof H & Seen) | Repeated<R, Seen | keyof H>
  : never;

/** Nothing to add when no key repeats; else a property no section has, named after the keys. */
type NoRepeats<S extends readonly Section[]> = [Repeated<S>] extends [never] ? unknown : { readonly 'keys in more than one section': Repeated<S> };

/** One catalogue from its sections, in their order. */
export function mergeSections<S extends readonly Section[]>(...sections: S & NoRepeats<S>): { readonly [K in KeysOf<S> & string]: string } {
  return Object.assign({}, ...sections) as { readonly [K in KeysOf<S> & string]: string };
}
