/** What identify sorts every row of the user store into. */
export type UserClass = 'managed' | 'expired' | 'orphaned' | 'unmanaged-test' | 'lookalike' | 'production';

/** How many rows of one class (and population) there are, with a few usernames as a sample. */
export interface ClassCount {
  class: UserClass;
  /** The owning population for managed, expired and orphaned rows. */
  population: string | null;
  count: number;
  sample: string[];
}
