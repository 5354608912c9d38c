import { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { SidePanel } from '@jupyterlab/ui-components';
import { AccordionPanel, Widget } from '@lumino/widgets';

import { connectIcon } from '../icons';
import { ConnectModel } from '../model';
import { Publisher } from '../publish';
import { PublishWidget } from './PublishForm';
import { ServersWidget } from './ServerList';

/** The id of the sidebar panel (also used by the layout restorer and tests). */
export const PANEL_ID = 'rsconnect-lab-panel';

/** The height (px) the publish section keeps when the server list is long. */
const MIN_PUBLISH_HEIGHT = 100;

/**
 * The left sidebar's "Posit Connect" panel: a "Servers" section and a
 * "Publish" section for the current document.
 */
export class ConnectPanel extends SidePanel {
  constructor(options: ConnectPanel.IOptions) {
    super({ translator: options.translator });
    const { trans } = options;
    this.id = PANEL_ID;
    this.addClass('jp-RSConnect-panel');
    this.title.icon = connectIcon;
    this.title.caption = trans.__('Posit Connect');

    const header = document.createElement('h2');
    header.className = 'jp-RSConnect-title';
    header.textContent = trans.__('Posit Connect');
    this.header.addWidget(new Widget({ node: header }));

    this.servers = new ServersWidget({
      model: options.model,
      trans,
      onMakeDefault: options.onMakeDefault
    });
    this.publish = new PublishWidget({
      model: options.model,
      trans,
      onPublish: options.onPublish,
      onAddServer: prefill => {
        this.expandSection(this.servers);
        this.servers.showAddForm(prefill);
      }
    });
    this.addWidget(this.servers);
    this.addWidget(this.publish);
    // The publish form needs the room; the server list is short.
    if (this.content instanceof AccordionPanel) {
      this.content.setRelativeSizes([1, 3]);
    }
    // The server list is as tall as its content (an error in the add form
    // included), up to all but a strip of the panel; the publish section has the rest.
    this.servers.contentResized.connect((_, height) => this._fit(height));
  }

  private _fit(contentHeight: number): void {
    const servers = this.servers;
    const publish = this.publish;
    if (
      !(this.content instanceof AccordionPanel) ||
      !servers.isVisible ||
      !publish.isVisible
    ) {
      return;
    }
    const available = servers.node.offsetHeight + publish.node.offsetHeight;
    if (available <= 0) {
      return;
    }
    const style = getComputedStyle(servers.node);
    const padding =
      parseFloat(style.paddingTop || '0') +
      parseFloat(style.paddingBottom || '0');
    const wanted = Math.max(
      Math.min(
        Math.ceil(contentHeight + padding + 1),
        available - MIN_PUBLISH_HEIGHT
      ),
      Math.min(available / 2, 150)
    );
    if (Math.abs(wanted - servers.node.offsetHeight) < 2) {
      return;
    }
    this.content.setRelativeSizes([wanted, available - wanted]);
  }

  /** The "Servers" section. */
  readonly servers: ServersWidget;
  /** The "Publish" section. */
  readonly publish: PublishWidget;

  /** Expand a section (the panel's content is an accordion). */
  expandSection(widget: Widget): void {
    const index = this.widgets.indexOf(widget);
    if (index >= 0 && this.content instanceof AccordionPanel) {
      this.content.expand(index);
    }
  }
}

export namespace ConnectPanel {
  export interface IOptions {
    model: ConnectModel;
    trans: TranslationBundle;
    translator: ITranslator;
    onPublish: (
      options: Omit<Publisher.IOptions, 'model' | 'trans'>
    ) => Promise<unknown>;
    onMakeDefault?: (name: string) => void;
  }
}
