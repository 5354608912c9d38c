/**
 * A stand-in for `@jupyterlab/apputils` in jest: dialog buttons that tell
 * which one was pressed, and mocks for `Notification` and `showDialog`. Use it
 * from a test file as
 *
 *   jest.mock('@jupyterlab/apputils', () =>
 *     jest.requireActual('./support/apputils').apputilsMock({ emit: 'note-1' })
 *   );
 *
 * `ids` sets what `Notification.emit`/`error` return and whether `update`
 * finds the notification it is asked to update.
 */
export function apputilsMock(
  ids: { emit?: string; error?: string; updates?: boolean } = {}
): Record<string, unknown> {
  const button =
    (kind: string) =>
    (options: { label?: string } = {}) => ({
      label: options.label ?? kind,
      accept: kind !== 'cancel'
    });
  return {
    Dialog: {
      okButton: button('ok'),
      cancelButton: button('cancel'),
      createButton: button('create'),
      warnButton: button('warn')
    },
    Notification: {
      emit: jest.fn(() => ids.emit),
      success: jest.fn(),
      error: jest.fn(() => ids.error),
      update: jest.fn(() => ids.updates ?? true),
      dismiss: jest.fn()
    },
    showDialog: jest.fn()
  };
}
