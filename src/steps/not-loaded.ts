/** One wording for "nothing to tune here", shared by every tuning step so the operator reads one message, not three. */

/** The refusal of raise_max, set_hashsize and set_timeouts on a host without nf_conntrack (or without its sysctls). */
export const NOT_LOADED_REFUSAL =
  'nf_conntrack is not loaded on this host: nothing to tune; load it or tune it where it is loaded';
