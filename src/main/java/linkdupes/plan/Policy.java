package linkdupes.plan;

import linkdupes.fs.FileStat;

/**
 * Which metadata must be equal before two files may become one inode (linking makes them share
 * it), and whose metadata survives.
 */
public record Policy(
    boolean ignoreMode, boolean ignoreOwner, boolean respectTime, boolean keepNewest) {

  public static final Policy DEFAULT = new Policy(false, false, false, false);

  /** The metadata that must match; fields the policy ignores are left at zero. */
  record Key(long dev, int mode, int uid, int gid, long mtime) {
    // written out: a record's generated equals goes through method handles, slow while the
    // code is cold, and this is compared for every inode of every group
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.dev == dev && k.mode == mode && k.uid == uid
          && k.gid == gid && k.mtime == mtime;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(((dev * 31 + mode) * 31 + uid) * 31 + gid) * 31 + Long.hashCode(mtime);
    }
  }

  Key key(FileStat s) {
    return new Key(
        s.dev(),
        ignoreMode ? 0 : s.permissions(),
        ignoreOwner ? 0 : s.uid(),
        ignoreOwner ? 0 : s.gid(),
        respectTime ? s.mtimeNanos() : 0);
  }
}
