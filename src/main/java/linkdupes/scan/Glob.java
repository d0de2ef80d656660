package linkdupes.scan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/**
 * A glob in the JDK's syntax ({@code FileSystem.getPathMatcher("glob:...")}: {@code *}, {@code
 * **}, {@code ?}, {@code [a-z]}, {@code [!a]}, {@code {a,b}}, {@code \} escapes), matched in
 * time linear in the name. The JDK turns a glob into a backtracking regular expression: thirty
 * {@code *a} and a {@code *b} against a name of sixty characters did not finish in 45 s. Here
 * the glob is a small automaton whose states are followed all at once, one character at a time,
 * so a name of n characters costs at most n times the glob's length. One difference: {@code **}
 * also crosses line breaks in a name, which the JDK's {@code .} does not.
 */
final class Glob {
  private static final int CHAR = 0;
  private static final int ONE = 1; // ?: one character but '/'
  private static final int CLASS = 2;
  private static final int STAR = 3; // *: any characters but '/', then next
  private static final int ANY = 4; // **: any characters, then next
  private static final int SPLIT = 5; // to each of alternatives
  private static final int JUMP = 6; // to next
  private static final int MATCH = 7;

  /** A state: its kind, what it consumes, where it goes. */
  private static final class State {
    final int kind;
    int c;
    /** Ranges of a class as pairs of code points, inclusive. */
    int[] ranges;
    boolean negated;
    int next = -1;
    int[] alternatives;

    State(int kind) {
      this.kind = kind;
    }

    boolean consumes(int ch) {
      return switch (kind) {
        case CHAR -> ch == c;
        case ONE, STAR -> ch != '/';
        case ANY -> true;
        case CLASS -> ch != '/' && inRanges(ch) != negated;
        default -> false;
      };
    }

    private boolean inRanges(int ch) {
      for (int i = 0; i < ranges.length; i += 2) {
        if (ch >= ranges[i] && ch <= ranges[i + 1]) {
          return true;
        }
      }
      return false;
    }
  }

  private final State[] states;
  private final int start;

  private Glob(State[] states, int start) {
    this.states = states;
    this.start = start;
  }

  /**
   * Compiles {@code glob}.
   *
   * @throws PatternSyntaxException as the JDK would, with its description
   */
  static Glob compile(String glob) {
    return new Compiler(glob).compile();
  }

  /** True when all of {@code s} matches. */
  boolean matches(CharSequence s) {
    boolean[] current = new boolean[states.length];
    boolean[] next = new boolean[states.length];
    int[] stack = new int[states.length];
    add(current, start, stack);
    for (int i = 0; i < s.length(); ) {
      int ch = Character.codePointAt(s, i);
      i += Character.charCount(ch);
      Arrays.fill(next, false);
      boolean any = false;
      for (int k = 0; k < states.length; k++) {
        if (current[k] && states[k].consumes(ch)) {
          int kind = states[k].kind;
          add(next, kind == STAR || kind == ANY ? k : states[k].next, stack);
          any = true;
        }
      }
      if (!any) {
        return false;
      }
      boolean[] t = current;
      current = next;
      next = t;
    }
    for (int k = 0; k < states.length; k++) {
      if (current[k] && states[k].kind == MATCH) {
        return true;
      }
    }
    return false;
  }

  /** Adds {@code k} and every state it reaches without consuming a character. */
  private void add(boolean[] set, int k, int[] stack) {
    int top = 0;
    stack[top++] = k;
    while (top > 0) {
      int s = stack[--top];
      if (set[s]) {
        continue;
      }
      set[s] = true;
      State st = states[s];
      switch (st.kind) {
        case SPLIT -> {
          for (int a : st.alternatives) {
            if (!set[a]) {
              stack[top++] = a;
            }
          }
        }
        case JUMP, STAR, ANY -> {
          if (!set[st.next]) {
            stack[top++] = st.next;
          }
        }
        default -> { }
      }
    }
  }

  /** Builds the states from the glob, as the JDK's {@code Globs.toRegexPattern} reads it. */
  private static final class Compiler {
    private final String glob;
    private final List<State> states = new ArrayList<>();
    private int i;

    Compiler(String glob) {
      this.glob = glob;
    }

    private int add(State s) {
      states.add(s);
      return states.size() - 1;
    }

    /** The states chained in order; {@code tails} are those whose next is still open. */
    Glob compile() {
      List<Integer> tails = new ArrayList<>();
      int first = sequence(tails, false);
      int match = add(new State(MATCH));
      if (first < 0) {
        first = match;
      }
      for (int t : tails) {
        states.get(t).next = match;
      }
      return new Glob(states.toArray(new State[0]), first);
    }

    /**
     * Reads states up to the end (or, in a group, to ',' or '}', left unread); returns the
     * first, or -1 for none, and leaves in {@code tails} the states to chain to what follows.
     */
    private int sequence(List<Integer> tails, boolean inGroup) {
      int first = -1;
      List<Integer> open = new ArrayList<>();
      while (i < glob.length()) {
        char c = glob.charAt(i);
        if (inGroup && (c == ',' || c == '}')) {
          break;
        }
        i++;
        List<Integer> ends = new ArrayList<>();
        int s;
        switch (c) {
          case '*' -> {
            boolean dbl = i < glob.length() && glob.charAt(i) == '*';
            if (dbl) {
              i++;
            }
            s = add(new State(dbl ? ANY : STAR));
            ends.add(s);
          }
          case '?' -> {
            s = add(new State(ONE));
            ends.add(s);
          }
          case '[' -> {
            s = add(bracket());
            ends.add(s);
          }
          case '{' -> {
            if (inGroup) {
              throw new PatternSyntaxException("Cannot nest groups", glob, i - 1);
            }
            s = group(ends);
          }
          case '\\' -> {
            if (i == glob.length()) {
              throw new PatternSyntaxException("No character to escape", glob, i - 1);
            }
            int ch = glob.codePointAt(i);
            i += Character.charCount(ch);
            s = literal(ch);
            ends.add(s);
          }
          default -> {
            int ch = glob.codePointAt(i - 1);
            i += Character.charCount(ch) - 1;
            s = literal(ch);
            ends.add(s);
          }
        }
        if (first < 0) {
          first = s;
        }
        for (int o : open) {
          states.get(o).next = s;
        }
        open = ends;
      }
      tails.addAll(open);
      return first;
    }

    private int literal(int ch) {
      State st = new State(CHAR);
      st.c = ch;
      return add(st);
    }

    /** {@code {a,b,...}} after its '{': a split to each alternative, all joined after it. */
    private int group(List<Integer> ends) {
      State split = new State(SPLIT);
      int s = add(split);
      List<Integer> alternatives = new ArrayList<>();
      while (true) {
        List<Integer> tails = new ArrayList<>();
        int first = sequence(tails, true);
        if (first < 0) { // an empty alternative: straight on
          first = add(new State(JUMP));
          tails.add(first);
        }
        alternatives.add(first);
        ends.addAll(tails);
        if (i >= glob.length()) {
          throw new PatternSyntaxException("Missing '}", glob, i - 1);
        }
        char c = glob.charAt(i++);
        if (c == '}') {
          break;
        }
      }
      split.alternatives = alternatives.stream().mapToInt(Integer::intValue).toArray();
      return s;
    }

    /** {@code [...]} after its '[', with the JDK's rules for '!', '-' and errors. */
    private State bracket() {
      State st = new State(CLASS);
      List<Integer> ranges = new ArrayList<>();
      if (i < glob.length() && glob.charAt(i) == '^') {
        ranges.add((int) '^');
        ranges.add((int) '^');
        i++;
      } else {
        if (i < glob.length() && glob.charAt(i) == '!') {
          st.negated = true;
          i++;
        }
        if (i < glob.length() && glob.charAt(i) == '-') {
          ranges.add((int) '-');
          ranges.add((int) '-');
          i++;
        }
      }
      boolean hasRangeStart = false;
      int last = 0;
      char c = 0;
      while (i < glob.length()) {
        c = glob.charAt(i++);
        if (c == ']') {
          break;
        }
        if (c == '/') {
          throw new PatternSyntaxException("Explicit 'name separator' in class", glob, i - 1);
        }
        if (c == '-') {
          if (!hasRangeStart) {
            throw new PatternSyntaxException("Invalid range", glob, i - 1);
          }
          if (i >= glob.length()) {
            c = 0;
            i++;
            break;
          }
          c = glob.charAt(i++);
          if (c == ']') {
            ranges.add((int) '-'); // "a-]": the '-' is itself
            ranges.add((int) '-');
            break;
          }
          if (c < last) {
            throw new PatternSyntaxException("Invalid range", glob, i - 3);
          }
          ranges.set(ranges.size() - 1, (int) c); // the last start becomes a range
          hasRangeStart = false;
        } else {
          ranges.add((int) c);
          ranges.add((int) c);
          hasRangeStart = true;
          last = c;
        }
      }
      if (c != ']') {
        throw new PatternSyntaxException("Missing ']", glob, i - 1);
      }
      st.ranges = ranges.stream().mapToInt(Integer::intValue).toArray();
      return st;
    }
  }
}
