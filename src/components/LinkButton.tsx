import * as React from 'react';

import { openUrl } from './hooks';

/** A button that opens a Connect URL in a new tab; renders nothing without a URL. */
export function LinkButton(props: {
  url: string | null | undefined;
  label: string;
}): JSX.Element | null {
  const { url, label } = props;
  if (!url) {
    return null;
  }
  return (
    <button
      type="button"
      className="jp-RSConnect-linkButton"
      title={url}
      onClick={() => openUrl(url)}
    >
      {label}
    </button>
  );
}
