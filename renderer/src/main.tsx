import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { startAppStore } from './store/app';
import { startLiveData } from './store/live';
import './styles.css';

startLiveData();
startAppStore();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
