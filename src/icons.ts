import { LabIcon } from '@jupyterlab/ui-components';

import connectSvgStr from '../style/icons/connect.svg';

/** The Posit Connect icon: sidebar tab, commands and the notebook toolbar. */
export const connectIcon = new LabIcon({
  name: 'rsconnect-lab:connect',
  svgstr: connectSvgStr
});
