import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import { useLayoutEffect, useRef } from 'react';

/** How close to the bottom (px) still counts as "following". */
const FOLLOW_SLACK = 8;

/**
 * The log of a publish job. It follows new lines as they arrive unless the user
 * has scrolled up to read earlier ones; scrolling back to the bottom resumes it.
 */
export function DeployLog(props: {
  lines: ReadonlyArray<string>;
  trans: TranslationBundle;
}): JSX.Element {
  const ref = useRef<HTMLPreElement>(null);
  const follow = useRef(true);

  useLayoutEffect(() => {
    const node = ref.current;
    if (node && follow.current) {
      node.scrollTop = node.scrollHeight;
    }
  }, [props.lines.length]);

  const onScroll = (): void => {
    const node = ref.current;
    if (node) {
      follow.current =
        node.scrollTop + node.clientHeight >= node.scrollHeight - FOLLOW_SLACK;
    }
  };

  return (
    <pre
      ref={ref}
      className="jp-RSConnect-log"
      role="log"
      aria-live="polite"
      aria-label={props.trans.__('Publish log')}
      tabIndex={0}
      onScroll={onScroll}
    >
      {props.lines.length > 0
        ? props.lines.join('\n')
        : props.trans.__('Waiting for the first log line…')}
    </pre>
  );
}
