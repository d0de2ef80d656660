package linkdupes.plan;

import linkdupes.fs.FileStat;

/**
 * Which metadata must be equal before two files may become one inode (linking makes them share
 * it), and whose metadata survives.
 */
public record Policy(boolean ignoreMode, boolean ignoreOwner, boolean respectTime,
    boolean keepNewest, boolean ignoreXattrs, boolean ignoreFolderAccess) {

  public static final Policy DEFAULT = new Policy(false, false, false, false, false, false);

  /** Extended attributes and folder access compared, as by default. */
  public Policy(boolean ignoreMode, boolean ignoreOwner, boolean respectTime,
      boolean keepNewest) {
    this(ignoreMode, ignoreOwner, respectTime, keepNewest, false, false);
  }

  /** The metadata that must match; fields the policy ignores are left at zero. */
  record Key(long dev, long mount, int mode, int uid, int gid, long mtime, long xattrs,
      long access) {
    // Written out, as FileTable.Meta's: the first use of a record's generated equals links it
    // through java.lang.runtime.ObjectMethods. A dry run of the edge corpus took 47 ms longer
    // with this one generated (median of 60 runs, alternating builds).
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.dev == dev && k.mount == mount && k.mode == mode
          && k.uid == uid && k.gid == gid && k.mtime == mtime && k.xattrs == xattrs
          && k.access == access;
    }

    @Override
    public int hashCode() {
      return (Long.hashCode(((dev * 31 + mode) * 31 + uid) * 31 + gid) * 31
          + Long.hashCode(mtime)) * 31 + Long.hashCode(xattrs) * 7 + Long.hashCode(access)
          + Long.hashCode(mount) * 13;
    }
  }

  Key key(FileStat s, long mount, long xattrs, long access) {
    return new Key(
        s.dev(),
        mount,
        ignoreMode ? 0 : s.permissions(),
        ignoreOwner ? 0 : s.uid(),
        ignoreOwner ? 0 : s.gid(),
        respectTime ? s.mtimeNanos() : 0,
        ignoreXattrs ? 0 : xattrs,
        ignoreFolderAccess ? 0 : access);
  }
}
